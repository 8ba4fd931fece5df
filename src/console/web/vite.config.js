// Built by cargo's build script (build.rs), which passes --outDir.
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  build: {
    target: 'es2020',
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
})
