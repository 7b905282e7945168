import { MultiBar, type SingleBar } from 'cli-progress';
import { type LayerProgress, layerLine } from './layer-progress.js';

/** cli-progress's MultiBar, one bar a layer, each drawn as Docker's line (`layerLine`). */
export function terminalProgress(fd: 1 | 2): LayerProgress {
  const stream = fd === 1 ? process.stdout : process.stderr;
  const columns = () => stream.columns ?? 80;
  const bars = new Map<string, SingleBar>();
  let multi: MultiBar | undefined;
  let stopped = false;
  return {
    update(id, status, bytes) {
      if (stopped) return;
      const text = layerLine(id, status, bytes, columns());
      multi ??= new MultiBar({
        stream,
        format: (_options, _params, payload: { text: string }) => payload.text,
        hideCursor: true,
        clearOnComplete: false,
        // Lines longer than the terminal are cut, not wrapped: a wrapped line breaks the redraw.
        linewrap: false,
        fps: 10,
        gracefulExit: true,
      });
      const bar = bars.get(id);
      if (bar === undefined) bars.set(id, multi.create(1, 0, { text }));
      else bar.update(0, { text });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi?.stop();
    },
  };
}
