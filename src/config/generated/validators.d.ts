// Declarations of the validators that scripts/schema-validators.mjs generates into validators.js
// (ajv standalone code, compiled at build time from policies/schema/).

export interface SchemaError {
  /** JSON Pointer of the offending value, e.g. `/ignore/0/reason`. */
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  /** Set for errors of `propertyNames`: the key that is not allowed. */
  propertyName?: string;
  message?: string;
}

export interface Validator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

export declare const validateConfig: Validator;
export declare const validateBaseline: Validator;
