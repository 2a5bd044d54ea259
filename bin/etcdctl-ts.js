#!/usr/bin/env node
import { main } from '../dist/bundle/cli.mjs';

process.exit(await main(process.argv.slice(2)));
