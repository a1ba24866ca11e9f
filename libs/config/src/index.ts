export { helpText, readCommandLine, usageErrorText, type CommandLine, type CommandLineSpec } from './command-line';
export { ConfigError, describeSettings, loadConfig, type Resolved, type Setting, type Settings } from './config';
export { createLogger, type Logger } from './logger';
