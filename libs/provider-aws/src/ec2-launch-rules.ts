import { placedTemplateProblem, type LaunchRules } from '@helios/provider';

// EC2 ClientToken: "a unique, case-sensitive string of up to 64 ASCII characters".
const CLIENT_TOKEN_MAX = 64;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
// EC2 tag values hold at most 256 Unicode characters.
const TAG_VALUE_MAX = 256;

/**
 * What EC2 adds to the port's launch check (checkLaunchRequest): a token of 1-64 printable ASCII
 * characters (it becomes the ClientToken), node names that fit a tag value (1-256 characters),
 * and a placed template, a reserved pool naming its capacity reservation id.
 */
export const EC2_LAUNCH_RULES: LaunchRules = {
  token: (token) =>
    token.length > CLIENT_TOKEN_MAX || !PRINTABLE_ASCII.test(token)
      ? `token must be 1-${CLIENT_TOKEN_MAX} printable ASCII characters, got ${JSON.stringify(token)} (${token.length} chars)`
      : undefined,
  nodeName: (name) => (name.length === 0 || name.length > TAG_VALUE_MAX ? `node name must be 1-${TAG_VALUE_MAX} characters, got ${JSON.stringify(name)}` : undefined),
  template: (template) => placedTemplateProblem(template, 'the capacity reservation id'),
};
