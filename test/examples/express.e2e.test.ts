// examples/express: the whole flow over HTTP (test/support/example-flow.ts), CSRF by a synchronizer token.
import { exampleFlowSuite } from '../support/example-flow.js';

exampleFlowSuite({ name: 'express', csrf: 'token' });
