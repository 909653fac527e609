// HTTP paths of the broker, shared by the server and its clients.
export const AGENT_PATH = '/v1/agent';
export const APPROVER_PATH = '/v1/approver';
export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';
