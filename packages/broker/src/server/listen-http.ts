// Listening and closing for the broker's HTTP servers (its main port and the optional metrics port): a listen
// error such as EADDRINUSE rejects instead of being thrown from an event.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const listenHttp = (http: Server, host: string, port: number): Promise<AddressInfo> =>
  new Promise<AddressInfo>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve(http.address() as AddressInfo);
    });
  });
