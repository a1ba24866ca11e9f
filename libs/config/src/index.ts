export { helpText, readCommandLine, usageErrorText, type CommandLine, type CommandLineSpec } from './command-line';
export { ConfigError, describeSettings, loadConfig, type Resolved, type Setting, type Settings } from './config';
export { parseHostPort, type HostPort } from './host-port';
export { createLogger, type Logger } from './logger';
export { FifoQueue } from './fifo-queue';
