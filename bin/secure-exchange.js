#!/usr/bin/env node
// The operator CLI; built to dist/ by `npm ci` (the package's prepare script).
import '../dist/cli/index.js';
