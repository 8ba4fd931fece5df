// The public board's page at /board/: for a 公众号 menu or a poster's QR
// code, readable by anyone on a phone, no sign-in. Served by the binary
// from the same Vite build as the console.
import { createApp } from 'vue'
import './board.css'
import Board from './Board.vue'

createApp(Board).mount('#board')
