/** The stack floor: Express 5 + http-proxy-middleware 3 with a keep-alive agent, no auth. */
import express from 'express';
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxyMiddleware } from 'http-proxy-middleware';

const app = express();
app.disable('x-powered-by');
app.use(createProxyMiddleware({ target: process.env.UPSTREAM!, agent: new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 }) }));
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`));
server.keepAliveTimeout = 65_000;
// Exit normally on SIGTERM so `--cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
