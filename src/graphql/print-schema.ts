import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printApiSchema } from './schema';

// `npm run schema`: regenerates the committed schema.graphql from the code.
const target = resolve(process.cwd(), 'schema.graphql');
writeFileSync(target, printApiSchema());
console.log(`wrote ${target}`);
