import { GcError } from '@gc/syscall';

/** kill, pause, top of a container that does not run. */
export const ENGINE_NOT_RUNNING = 'ENGINE_NOT_RUNNING';
/** rm of a running container without -f. */
export const ENGINE_CONTAINER_RUNNING = 'ENGINE_CONTAINER_RUNNING';
/** pause of a paused container, unpause of one that is not. */
export const ENGINE_PAUSED = 'ENGINE_PAUSED';
export const ENGINE_NOT_PAUSED = 'ENGINE_NOT_PAUSED';
/** cp of a container between two lives of its restart policy. */
export const ENGINE_RESTARTING = 'ENGINE_RESTARTING';
/** A signal that is no name or number of one. */
export const ENGINE_BAD_SIGNAL = 'ENGINE_BAD_SIGNAL';
/** A container that did not end, or whose monitor did not, in the time given. */
export const ENGINE_TIMEOUT = 'ENGINE_TIMEOUT';

export const notRunning = (name: string) => new GcError(ENGINE_NOT_RUNNING, `container ${name} is not running`);
