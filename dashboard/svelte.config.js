// Read by @sveltejs/vite-plugin-svelte and svelte-check: TypeScript in <script lang="ts"> is stripped natively.
export default {};
