// The Interleave extension: the grammar and language configuration need no code; this
// starts `interleave lsp` as the language server when vscode-languageclient is installed
// (`npm install` in this folder). Without it the extension still loads: highlighting only.
"use strict";
const vscode = require("vscode");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("interleave");
  if (!config.get("languageServer", true)) return;
  let lc;
  try {
    lc = require("vscode-languageclient/node");
  } catch (e) {
    const channel = vscode.window.createOutputChannel("Interleave");
    channel.appendLine("vscode-languageclient is not installed: syntax highlighting only. " +
                       "Run `npm install` in " + context.extensionPath + " and reload for diagnostics, hover and formatting.");
    context.subscriptions.push(channel);
    return;
  }
  const command = config.get("path", "interleave");
  const server = { command, args: ["lsp"] };
  client = new lc.LanguageClient(
    "interleave", "Interleave", { run: server, debug: server },
    { documentSelector: [{ language: "scn" }] });
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
