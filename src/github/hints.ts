/**
 * What to change when GitHub refuses a report: usually a permission in the workflow, but a fork's
 * pull request (and a Dependabot run) gets a read-only token that no `permissions:` can widen,
 * so the hint says so instead of sending people after a permission they cannot grant.
 */

/** Why GitHub made this run's token read-only (src/github/context.ts reads it from the event). */
export type ReadOnlyToken = 'fork' | 'dependabot';

/** A token permission a report needs (README, "Permissions"). */
export type Permission = 'pull-requests: write' | 'pull-requests: read' | 'deployments: write';

/** The input that turns off the report needing `permission`. */
const TURN_OFF: Record<Permission, string> = {
  'pull-requests: write': '`comment: false`',
  'pull-requests: read': '`comment: false` or `pr-number`',
  'deployments: write': '`deployment-status: false`',
};

export function permissionHint(permission: Permission, ctx: { readOnlyToken?: ReadOnlyToken }): string {
  switch (ctx.readOnlyToken) {
    case 'fork':
      return `this pull request comes from a fork, and GitHub gives a fork's \`pull_request\` runs a read-only token whatever \`permissions:\` says: report from a \`pull_request_target\` or \`workflow_run\` workflow (README, "Pull requests from forks"), or set ${TURN_OFF[permission]}`;
    case 'dependabot':
      return `Dependabot's runs get a read-only token whatever \`permissions:\` says: set ${TURN_OFF[permission]} for them, or report from a \`pull_request_target\` workflow`;
    default:
      return `the token needs \`${permission}\`: add it to the job's \`permissions:\``;
  }
}
