// Built by cargo's build script (build.rs), which passes --outDir.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  build: {
    target: 'es2020',
    // Two pages: the console (index.html) and the public board at /board/.
    rollupOptions: { input: { console: 'index.html', board: 'board.html' } },
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
})
