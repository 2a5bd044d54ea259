/**
 * Node built-in modules that only some commands use, loaded when first asked
 * for instead of at every start (each costs start-up time, and most runs are
 * one short command): the bundle would otherwise require them all up front.
 */
import { createRequire } from 'node:module';

// Built-in modules resolve from anywhere; the path only anchors the function.
const load = createRequire('/');

export const childProcess = (): typeof import('node:child_process') => load('node:child_process');
export const https = (): typeof import('node:https') => load('node:https');
export const dns = (): typeof import('node:dns') => load('node:dns');
export const timersPromises = (): typeof import('node:timers/promises') => load('node:timers/promises');
export const crypto = (): typeof import('node:crypto') => load('node:crypto');
export const http = (): typeof import('node:http') => load('node:http');
