import { assertPeersInstalled } from '../../common/optional-peer';

// Imported first by the `nestjs-webhooks/api` entry point: a host without one of these gets
// one error naming every package to install, rather than Node's "Cannot find module" for the
// first import that happens to need one.
assertPeersInstalled(['@nestjs/swagger', 'class-validator', 'class-transformer', 'csv-stringify'], 'nestjs-webhooks/api (the management API and dashboard)');
