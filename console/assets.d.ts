/** Stylesheets imported by the entry points; esbuild bundles them into one .css per page. */
declare module '*.css';
