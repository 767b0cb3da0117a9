// The field errors of upstream's apimachinery/pkg/util/validation/field (errors.go), as the
// 422 Invalid causes the simulator answers with: each message is ErrorBody's `<type>: <value>:
// <detail>` with the value printed the way Go prints it.

export interface Cause {
  reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueNotSupported';
  message: string;
  field: string;
}

/** field.Required. */
export const required = (field: string, detail = ''): Cause => ({
  reason: 'FieldValueRequired',
  message: `Required value${detail ? `: ${detail}` : ''}`,
  field,
});

/** field.Invalid; `value` is already printed as Go prints it (`-1`, `"x"`, `intstr.IntOrString{…}`). */
export const invalid = (field: string, value: string, detail: string): Cause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${value}: ${detail}`,
  field,
});

/** field.Forbidden. */
export const forbidden = (field: string, detail: string): Cause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${detail}`,
  field,
});

/** field.NotSupported of a string value: its valid values quoted, comma-separated. */
export const notSupported = (field: string, value: string, valid: readonly string[]): Cause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}`,
  field,
});
