// Copies the non-TypeScript files the compiled runtime reads next to itself in dist/.
import { cpSync } from 'node:fs';

cpSync('platform/db/migrations', 'dist/platform/db/migrations', { recursive: true });
