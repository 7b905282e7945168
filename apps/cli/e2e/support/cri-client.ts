import { fileURLToPath } from 'node:url';
import { credentials, type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** The CRI messages the tests send and read (snake_case, as in cri.proto). */
export interface PodSandboxConfig {
  metadata: { name: string; uid: string; namespace: string; attempt?: number };
  hostname?: string;
  log_directory?: string;
  linux?: {
    cgroup_parent?: string;
    security_context?: {
      namespace_options?: { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode };
      privileged?: boolean;
    };
  };
}
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export interface ContainerConfig {
  metadata: { name: string; attempt?: number };
  image: { image: string };
  command?: string[];
  args?: string[];
  log_path?: string;
}
export interface ContainerStatus {
  id: string;
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
  exit_code: number;
  reason: string;
  message: string;
}

/** kubelet's side of the CRI RuntimeService, on a containerd socket. */
export interface CriClient {
  version(): Promise<{ runtime_name: string; runtime_version: string; runtime_api_version: string }>;
  runPodSandbox(config: PodSandboxConfig, runtimeHandler: string): Promise<string>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  createContainer(podId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus>;
  close(): void;
}

type Call = (
  request: object,
  options: { deadline: number },
  callback: (err: Error | null, response: Record<string, unknown>) => void,
) => void;

/** kubelet's own default for a runtime call is 2 minutes; these calls take well under a second here. */
const CALL_TIMEOUT_MS = 20_000;

export function criClient(socket: string): CriClient {
  const definition = loadSync(fileURLToPath(new URL('./cri.proto', import.meta.url)), {
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
  });
  const runtimeV1 = (loadPackageDefinition(definition).runtime as GrpcObject).v1 as GrpcObject;
  const Service = runtimeV1.RuntimeService as ServiceClientConstructor;
  const client = new Service(`unix://${socket}`, credentials.createInsecure());
  const call = (method: string, request: object) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const fn = (client as unknown as Record<string, Call>)[method]!.bind(client);
      fn(request, { deadline: Date.now() + CALL_TIMEOUT_MS }, (err, response) => {
        if (err) reject(new Error(`CRI ${method}: ${err.message}`));
        else resolve(response);
      });
    });
  return {
    version: async () => (await call('Version', { version: 'v1' })) as never,
    runPodSandbox: async (config, runtime_handler) =>
      (await call('RunPodSandbox', { config, runtime_handler })).pod_sandbox_id as string,
    stopPodSandbox: async (pod_sandbox_id) => void (await call('StopPodSandbox', { pod_sandbox_id })),
    removePodSandbox: async (pod_sandbox_id) => void (await call('RemovePodSandbox', { pod_sandbox_id })),
    createContainer: async (pod_sandbox_id, config, sandbox_config) =>
      (await call('CreateContainer', { pod_sandbox_id, config, sandbox_config })).container_id as string,
    startContainer: async (container_id) => void (await call('StartContainer', { container_id })),
    stopContainer: async (container_id, timeout) => void (await call('StopContainer', { container_id, timeout })),
    removeContainer: async (container_id) => void (await call('RemoveContainer', { container_id })),
    containerStatus: async (container_id) =>
      (await call('ContainerStatus', { container_id })).status as ContainerStatus,
    close: () => client.close(),
  };
}
