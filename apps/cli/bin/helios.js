#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS entry point: it registers tsx before any TypeScript loads */
// Runs the TypeScript CLI in place through tsx, resolving @helios/* with the repo's tsconfig,
// so `npx helios` works from a fresh clone without a build step.
const path = require('node:path');
process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || path.join(__dirname, '..', '..', '..', 'tsconfig.json');
require('tsx/cjs');
require('../src/main.ts');
