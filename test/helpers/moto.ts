// A private moto_server (local AWS emulator) on a free loopback port.
import { freePort } from './free-port.js';
import { requireBinary, startService, type ServiceProcess } from './service-process.js';

export type Moto = ServiceProcess & Readonly<{ url: string }>;

export const MOTO_INSTALL_HINT = "install moto's server: pip install 'moto[server]'";

export const startMoto = async (): Promise<Moto> => {
  requireBinary('moto_server', MOTO_INSTALL_HINT);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = await startService('moto_server', ['-H', '127.0.0.1', '-p', String(port)], async () => (await fetch(`${url}/moto-api/`)).ok, {
    name: 'moto_server',
  });
  return { ...service, url };
};
