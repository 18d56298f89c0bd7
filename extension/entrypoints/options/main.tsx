import { render } from 'preact';
import '../../components/style.css';
import { ConnectionForm } from '../../components/ConnectionForm';
import { ConsoleRules } from '../../components/ConsoleRules';
import { DirectorySource } from '../../components/DirectorySource';
import { TemplateManager } from '../../components/TemplateManager';

render(
  <main class="options">
    <h1>Herald options</h1>
    <ConnectionForm />
    <DirectorySource />
    <TemplateManager />
    <ConsoleRules />
  </main>,
  document.getElementById('app')!,
);
