/**
 * Debian's nginx (auth_request) with examples/forward-auth/nginx.conf in front of a real app, asking a real
 * tollgate for every decision; refusals other than 401/403 reach the client through the config's error_page.
 */
import { requireTools, TOOLS } from '../helpers/debian-tool.js';
import { forwardAuthContract } from '../helpers/forward-auth-contract.js';
import { startNginx } from '../helpers/nginx.js';

forwardAuthContract('nginx auth_request', 'nginx', requireTools('the nginx forward-auth test', TOOLS.nginx), startNginx);
