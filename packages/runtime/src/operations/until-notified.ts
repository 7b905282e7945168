import type { Notification, SpawnedChild } from '@gc/syscall';

/**
 * Until the child NOTIFYs `label` (a created init's exec fifo wait, the
 * host hooks). A failing op ends the child first: `started` rejects with the
 * op's error, which wins over the closed sync socket.
 */
export async function untilNotified(child: SpawnedChild, label: string): Promise<void> {
  for (;;) {
    let note: Notification;
    try {
      note = await Promise.race([
        child.nextNotification(),
        child.started.then(() => {
          throw new Error(`the child exec-ed before it notified: ${label}`);
        }),
      ]);
    } catch (e) {
      await child.started;
      throw e;
    }
    if (note.label === label) return;
  }
}
