import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { baseSettingsDiff, lengthGroups, loadEngineCheckpoint, pretrain } from './pretrain.js';

test('pretrain (tiny, few steps): loss falls, checkpoint with tokenizer written and loadable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-pre-'));
  try {
    const cfg = loadConfig('tictactoe-tiny', ['sampling.maxNewTokens=16', 'optim.lr=3e-3']);
    const r = await pretrain(cfg, dir, { steps: 12, gamesPerGame: 24, batchSize: 4, evalGames: 2 });
    assert.ok(existsSync(join(r.checkpoint, 'checkpoint.json')));
    assert.ok(existsSync(join(r.checkpoint, 'tokenizer.json')));
    assert.ok(Number.isFinite(r.firstLoss) && Number.isFinite(r.lastLoss));
    assert.ok(r.lastLoss < r.firstLoss * 0.8, `loss ${r.firstLoss} -> ${r.lastLoss}`);
    assert.ok(r.invalidRate >= 0 && r.invalidRate <= 1);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.filter((l) => l.type === 'pretrain').length, 12);
    const back = await loadEngineCheckpoint(r.checkpoint);
    assert.equal(back.engine.weightVersion, 12);
    assert.equal(back.tokenizer!.vocabSize, r.vocabSize);
    // the recorded settings are the ones it was made with (the options, not the config's defaults)
    const made = loadConfig('tictactoe-tiny', ['sampling.maxNewTokens=16', 'optim.lr=3e-3', 'pretrain.steps=12', 'pretrain.gamesPerGame=24', 'pretrain.batchSize=4', 'pretrain.evalGames=2']);
    assert.deepEqual(baseSettingsDiff(r.checkpoint, made), []);
    assert.deepEqual(baseSettingsDiff(r.checkpoint, cfg), ['pretrain.batchSize', 'pretrain.evalGames', 'pretrain.gamesPerGame', 'pretrain.steps']);
    assert.deepEqual(baseSettingsDiff(r.checkpoint, loadConfig('tictactoe-tiny', ['sampling.maxNewTokens=16', 'pretrain.steps=12', 'pretrain.gamesPerGame=24', 'pretrain.batchSize=4', 'pretrain.evalGames=2', 'optim.beta2=0.99'])), ['optim.beta2']);
    assert.deepEqual(baseSettingsDiff(r.checkpoint, loadConfig('tictactoe-tiny', ['sampling.maxNewTokens=16', 'optim.lr=3e-3', 'pretrain.steps=12', 'pretrain.gamesPerGame=24', 'pretrain.batchSize=4', 'pretrain.evalGames=2', 'pretrain.tokenizer=symbols'])), ['pretrain.tokenizer']);
    // a base recorded before pretrain.tokenizer existed was made with the plain BPE, the default
    const sidecar = join(r.checkpoint, 'checkpoint.json');
    const json = JSON.parse(readFileSync(sidecar, 'utf8'));
    delete json.extra.settings.pretrain.tokenizer;
    writeFileSync(sidecar, JSON.stringify(json));
    assert.deepEqual(baseSettingsDiff(r.checkpoint, made), []);
    made.pretrain.tokenizer = 'symbols';
    assert.deepEqual(baseSettingsDiff(r.checkpoint, made), ['pretrain.tokenizer']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pretrain.tokenizer=symbols: a board row is one token per cell, whatever the cells hold', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-pre-'));
  try {
    const cfg = loadConfig('tictactoe-tiny', ['pretrain.tokenizer=symbols']);
    const r = await pretrain(cfg, dir, { steps: 1, gamesPerGame: 24, batchSize: 2, evalGames: 0 });
    const tok = (await loadEngineCheckpoint(r.checkpoint)).tokenizer!;
    for (const row of ['___', '_X_', 'OXO', 'XX_']) assert.equal(tok.encode(row).length, 3, row);
    assert.deepEqual(baseSettingsDiff(r.checkpoint, cfg), ['pretrain.evalGames', 'pretrain.gamesPerGame', 'pretrain.batchSize', 'pretrain.steps'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pretrain.extraGames: the base is cloned on those games too, and records them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-pre-'));
  try {
    const cfg = loadConfig('tictactoe-tiny', ['pretrain.extraGames=kuhn_poker', 'pretrain.steps=1', 'pretrain.gamesPerGame=24', 'pretrain.batchSize=2', 'pretrain.evalGames=0']);
    const r = await pretrain(cfg, dir);
    assert.equal(r.chats, 2 * 24 + 2 * 24); // one chat per seat of every game, of both games
    const side = JSON.parse(readFileSync(join(r.checkpoint, 'checkpoint.json'), 'utf8'));
    assert.deepEqual(side.extra.games, ['tic_tac_toe', 'kuhn_poker']);
    assert.deepEqual(baseSettingsDiff(r.checkpoint, cfg), []);
    assert.deepEqual(baseSettingsDiff(r.checkpoint, { ...cfg, pretrain: { ...cfg.pretrain, extraGames: [] } }), ['pretrain.extraGames']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lengthGroups: one call while the padded batch fits the budget, else groups of similar length that fit', () => {
  assert.deepEqual(lengthGroups([300, 350, 200], 1200), [[0, 1, 2]]);
  const lengths = [180, 2000, 350, 170, 600, 340];
  const groups = lengthGroups(lengths, 1200);
  assert.deepEqual(groups, [[3, 0, 5], [2, 4], [1]]);
  for (const g of groups) assert.ok(g.length === 1 || g.length * Math.max(...g.map((i) => lengths[i]!)) <= 1200);
  assert.deepEqual(groups.flat().sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(lengthGroups([], 100), []);
});
