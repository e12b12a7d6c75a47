export * from './common.ts';
export * from './errors.ts';
export * from './limits.ts';
export * from './auth.ts';
export * from './groups.ts';
export * from './sessions.ts';
export * from './room.ts';
