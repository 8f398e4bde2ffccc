// examples/hono: the whole flow over HTTP (test/support/example-flow.ts), CSRF by Hono's Origin check.
import { exampleFlowSuite } from '../support/example-flow.js';

exampleFlowSuite({ name: 'hono', csrf: 'origin' });
