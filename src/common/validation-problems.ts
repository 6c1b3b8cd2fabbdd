/** class-validator's error tree, as it arrives (also inside type-graphql's ArgumentValidationError). */
export interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

export interface ValidationProblem {
  /** Full path, e.g. `required_items[2].min_quantity`. */
  field: string;
  message: string;
}

/**
 * Flattens class-validator's tree into one problem per failed constraint, named by its full
 * path: class-validator names only the last property, and a person needs the whole path.
 * Never includes the rejected value (it may be a secret).
 */
export function validationProblems(errors: readonly ValidationErrorLike[], parent = ''): ValidationProblem[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent === ''
        ? error.property
        : `${parent}.${error.property}`;
    return [
      ...Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(error.property, field) })),
      ...validationProblems(error.children ?? [], field),
    ];
  });
}
