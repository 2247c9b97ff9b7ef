export * from './metric-types';
export * from './thresholds';
export * from './limits';
export * from './schemas';
export * from './responses';
export * from './validation';
