import type { OciState } from '../state/oci-state.js';
import type { RuntimeContext } from './context.js';

/** The OCI `state`: the runtime spec's state JSON of the container (its status as it is now). */
export function containerState(ctx: RuntimeContext, id: string): OciState {
  return ctx.store.state(id);
}
