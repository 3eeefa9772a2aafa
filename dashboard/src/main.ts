import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { ui } from './lib/state.svelte.ts';

document.documentElement.lang = ui.lang;
mount(App, { target: document.getElementById('app')! });
