/**
 * The sticky pull request comment: one per app and environment, found again by a hidden marker
 * and edited in place, so a release's comment tells the whole story instead of piling up.
 */
import { httpStatus, type GitHubClient } from './client.ts';

/** GitHub's limit on a comment body. */
export const MAX_COMMENT_LENGTH = 65_536;

/** Keeps a marker part from closing the HTML comment or adding a second `:` field. */
function markerPart(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9._/-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .slice(0, 100) || '-'
  );
}

/** `<!-- kube-rollout:<app>:<environment or default> -->` */
export function commentMarker(app: string, environment?: string): string {
  return `<!-- kube-rollout:${markerPart(app)}:${markerPart(environment || 'default')} -->`;
}

export interface UpsertPrCommentArgs {
  owner: string;
  repo: string;
  issueNumber: number;
  /** The hidden marker; put first in the body when the body lacks it. */
  marker: string;
  body: string;
  /** The comment's id from an earlier edit: edited directly, without listing the comments. */
  knownId?: number;
}

export interface UpsertedComment {
  id: number;
  created: boolean;
}

/** The body as sent: marker first, within GitHub's limit. */
export function commentBody(marker: string, body: string): string {
  const withMarker = body.includes(marker) ? body : `${marker}\n${body}`;
  if (withMarker.length <= MAX_COMMENT_LENGTH) return withMarker;
  const note = '\n\n_(truncated to fit GitHub’s comment size limit)_\n';
  return withMarker.slice(0, MAX_COMMENT_LENGTH - note.length) + note;
}

interface CommentLike {
  id: number;
  body?: string | null;
  user?: { type?: string } | null;
}

/** The comment carrying the marker, preferring one written by a bot (ours) over a human quote. */
async function findMarkedComment(
  octokit: GitHubClient,
  args: UpsertPrCommentArgs,
): Promise<CommentLike | undefined> {
  const marked: CommentLike[] = await octokit.paginate(
    octokit.rest.issues.listComments,
    { owner: args.owner, repo: args.repo, issue_number: args.issueNumber, per_page: 100 },
    (response, done) => {
      const hits = (response.data as CommentLike[]).filter((c) => c.body?.includes(args.marker));
      // Stop paging at the first bot comment with the marker: that is the one to edit.
      if (hits.some((c) => c.user?.type === 'Bot')) done();
      return hits;
    },
  );
  return marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
}

/**
 * Edits the comment with `marker` on the PR (by `knownId` when given, else found by its marker), or
 * creates it. Returns its id and whether it was created; throws GitHub's error for the caller to
 * warn about (a missing permission never fails a release).
 */
export async function upsertPrComment(
  octokit: GitHubClient,
  args: UpsertPrCommentArgs,
): Promise<UpsertedComment> {
  const body = commentBody(args.marker, args.body);
  const { owner, repo } = args;
  const edit = async (id: number): Promise<UpsertedComment> => {
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
    return { id: data.id, created: false };
  };
  if (args.knownId !== undefined) {
    try {
      return await edit(args.knownId);
    } catch (error) {
      // Deleted since (by someone): look for it again, or write a new one.
      if (httpStatus(error) !== 404) throw error;
    }
  }
  const existing = await findMarkedComment(octokit, args);
  if (existing) return edit(existing.id);
  const { data } = await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: args.issueNumber,
    body,
  });
  return { id: data.id, created: true };
}
