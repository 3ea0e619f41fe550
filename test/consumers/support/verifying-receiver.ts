import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface VerifiedRequest {
  headers: Record<string, string>;
  payload: { id: string; type: string; timestamp: string; data: unknown };
}

/**
 * A customer's receiver on loopback that checks every request with the independent
 * `standardwebhooks` verifier: it answers 401 to anything that does not verify, and keeps
 * what did.
 */
export class VerifyingReceiver {
  readonly verified: VerifiedRequest[] = [];
  readonly refused: string[] = [];
  url = '';
  private server!: Server;

  private constructor(private readonly secret: string) {}

  static async start(secret: string): Promise<VerifyingReceiver> {
    const receiver = new VerifyingReceiver(secret);
    receiver.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
        try {
          const payload = new Webhook(receiver.secret).verify(Buffer.concat(chunks).toString('utf8'), headers) as VerifiedRequest['payload'];
          receiver.verified.push({ headers, payload });
          response.writeHead(200).end('ok');
        } catch (error) {
          receiver.refused.push((error as Error).message);
          response.writeHead(401).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/webhooks`;
    return receiver;
  }

  of(type: string): VerifiedRequest[] {
    return this.verified.filter((request) => request.payload.type === type);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
