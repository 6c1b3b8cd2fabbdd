import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import Fastify from 'fastify';
import mercurius from 'mercurius';
import type { App } from '../src/app/create-app';
import { buildApiSchema } from '../src/graphql/schema';
import { newCall } from '../src/call/call';

/** A server the project is measured against: its base URL and GraphQL path. */
export interface Reference {
  url: string;
  path: string;
  stop(): Promise<void>;
}

const sdl = () => readFileSync(resolve(process.cwd(), 'schema.graphql'), 'utf8');

/** Apollo Server alone over the project's SDL, `offers` answering a canned value from memory. */
export async function apolloCanned(canned: unknown, plugins: ApolloServerPlugin[]): Promise<Reference> {
  const server = new ApolloServer({ typeDefs: sdl(), resolvers: { Query: { offers: () => canned } }, plugins });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url: url.replace(/\/$/, ''), path: '/', stop: () => server.stop() };
}

/**
 * Apollo Server alone running the project's own schema and resolvers (graphql-js) over the
 * project's services: the same in-memory entities, the same customer database calls; no
 * authentication, endpoint rules, operation limits or error log.
 */
export async function apolloExecuting(app: App, plugins: ApolloServerPlugin[]): Promise<Reference> {
  const server = new ApolloServer({ schema: buildApiSchema(), plugins });
  const auth = { credential: { key: 'bench', name: 'bench', role: 'CLIENT' }, method: 'key', keyHint: '***ench' };
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async () => {
      const call = newCall('bench', {
        method: 'POST',
        url: '/',
        path: '/',
        search: '',
        headers: {},
        body: Buffer.alloc(0),
        socketAddress: undefined,
      });
      call.authorized = true;
      return { services: app.services, call, auth: auth as never };
    },
  });
  return { url: url.replace(/\/$/, ''), path: '/', stop: () => server.stop() };
}

/** Fastify + Mercurius, graphql-jit from the first request, `offers` canned. */
export async function mercuriusCanned(canned: unknown): Promise<Reference> {
  const app = Fastify({ logger: false });
  await app.register(mercurius, { schema: sdl(), resolvers: { Query: { offers: () => canned } }, jit: 1 });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, path: '/graphql', stop: () => app.close() };
}

/** The limit: node:http reading the request and answering the same bytes, no GraphQL. */
export async function nodeHttpBytes(body: string): Promise<Reference> {
  const bytes = Buffer.from(body);
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
      res.end(bytes);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    path: '/graphql',
    stop: () => new Promise((ok) => server.close(() => ok())),
  };
}
