/** A process file the stats sampler reads could not be read (not because the process is gone). */
export const ENGINE_STATS_READ = 'ENGINE_STATS_READ';
/** A container's init is in no cgroup of its own (the hierarchy's root): there is nothing to measure. */
export const ENGINE_STATS_NO_CGROUP = 'ENGINE_STATS_NO_CGROUP';
