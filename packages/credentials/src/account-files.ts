/** One /etc/passwd line: `name:password:uid:gid:gecos:home:shell`. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** One /etc/group line: `name:password:gid:member,member`. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

// Lines whose ids are not numbers are skipped: moby's parser reads them as 0
// (root), which would turn a typo in an image into a root user.
const ID = /^\d{1,10}$/;

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of lines(text)) {
    const [name = '', , uid = '', gid = '', , home = ''] = line.split(':');
    if (name === '' || !ID.test(uid) || !ID.test(gid)) continue;
    out.push({ name, uid: Number(uid), gid: Number(gid), home });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of lines(text)) {
    const [name = '', , gid = '', members = ''] = line.split(':');
    if (name === '' || !ID.test(gid)) continue;
    out.push({
      name,
      gid: Number(gid),
      members: members
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
    });
  }
  return out;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
