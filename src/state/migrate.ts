// Older stored release states, read into the current format. Schema 1 kept the release's
// position (strategy, traffic, versions, canary weight, run URL) twice, in the state and in its
// record; from schema 2 the state alone owns it and the record holds only the history.
import { STATE_SCHEMA, type ReleaseHistory, type ReleaseState } from '../record/types.ts';

/** The position fields schema 1 also kept in the record. */
const POSITION_IN_RECORD = ['strategy', 'traffic', 'newVersion', 'servingVersion', 'canaryWeight', 'runUrl'];

type SchemaOne = Omit<ReleaseState, 'schema' | 'record'> & {
  schema: 1;
  record: ReleaseHistory & Record<string, unknown>;
};

/** The schemas this version reads. */
export const READABLE_SCHEMAS: readonly number[] = [1, STATE_SCHEMA];

/**
 * A parsed state of a readable schema, in the current format. Where schema 1's two copies differ,
 * the state's wins, except for what only the record had (the serving version and run URL of
 * early writers).
 */
export function migrateState(parsed: ReleaseState | SchemaOne): ReleaseState {
  if (parsed.schema === STATE_SCHEMA) return parsed;
  const { record, ...state } = parsed;
  const history = Object.fromEntries(
    Object.entries(record).filter(([key]) => !POSITION_IN_RECORD.includes(key)),
  ) as unknown as ReleaseHistory;
  const servingVersion = state.servingVersion ?? (record.servingVersion as string | undefined);
  const runUrl = state.runUrl ?? (record.runUrl as string | undefined);
  return {
    ...state,
    schema: STATE_SCHEMA,
    ...(servingVersion ? { servingVersion } : {}),
    ...(runUrl ? { runUrl } : {}),
    record: history,
  };
}
