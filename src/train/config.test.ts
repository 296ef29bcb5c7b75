import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, presetNames, withLegacyDefaults } from './config.js';

test('every embedded preset loads; paper presets say they need a large-model backend', () => {
  for (const name of presetNames()) {
    if (name.startsWith('paper')) assert.throws(() => loadConfig(name), /not supported/);
    else assert.ok(loadConfig(name).games.length >= 1, name);
  }
  assert.equal(loadConfig('tictactoe-tiny').model, 'tiny');
});

test('overrides apply with dotted keys; unknown keys and bad values are named', () => {
  const c = loadConfig('tictactoe-tiny', ['steps=3', 'optim.lr=3e-4', 'games=tic_tac_toe,kuhn_poker', 'optim.cosine=false']);
  assert.equal(c.steps, 3);
  assert.equal(c.optim.lr, 3e-4);
  assert.deepEqual(c.games, ['tic_tac_toe', 'kuhn_poker']);
  assert.equal(c.optim.cosine, false);
  assert.throws(() => loadConfig('tictactoe-tiny', ['optim.lrr=1']), /optim\.lrr/);
  assert.throws(() => loadConfig('tictactoe-tiny', ['steps=-1']), /steps/);
  assert.throws(() => loadConfig('tictactoe-tiny', ['loss.aggregation=sum']), /loss\.aggregation/);
  assert.throws(() => loadConfig('tictactoe-tiny', ['pretrain.tokenizer=chars']), /pretrain\.tokenizer: expected one of/);
  assert.equal(loadConfig('tictactoe-tiny', ['pretrain.tokenizer=bpe']).pretrain.tokenizer, 'bpe');
  // A config saved before pretrain.tokenizer existed was made with the plain BPE, one saved before
  // pretrain.extraGames with none, and a run config saved before `opponent` existed was self-play.
  assert.deepEqual(withLegacyDefaults({ steps: 3, pretrain: { steps: 9 } }), { steps: 3, opponent: 'self', pretrain: { steps: 9, tokenizer: 'bpe', extraGames: [] } });
  assert.deepEqual(withLegacyDefaults({ pretrain: { tokenizer: 'symbols', extraGames: ['leduc_poker'] } }), { pretrain: { tokenizer: 'symbols', extraGames: ['leduc_poker'] } });
  assert.equal(withLegacyDefaults(null), null);
  assert.throws(() => loadConfig('tictactoe-tiny', ['estimator=nope']), /estimator/);
  // A fixed opponent must be a scripted agent that can play every configured game.
  assert.equal(loadConfig('tictactoe-tiny').opponent, 'self');
  assert.equal(loadConfig('tictactoe-tiny', ['opponent=mcts:100']).opponent, 'mcts:100');
  assert.throws(() => loadConfig('tictactoe-tiny', ['opponent=nash']), /opponent: 'nash' for tic_tac_toe: .*kuhn_poker/);
  assert.throws(() => loadConfig('kuhn-tiny', ['opponent=mcts:10']), /opponent: 'mcts:10' for kuhn_poker/);
  assert.throws(() => loadConfig('tictactoe-tiny', ['opponent=alphazero']), /opponent: 'alphazero'.*unknown agent/);
  assert.throws(() => loadConfig('tictactoe-tiny', ['opponent=human']), /opponent: 'human'/);
  assert.throws(() => loadConfig('tictactoe-tiny', ['games=chess9']), /games: 'chess9'/);
  // Games cloned in pretraining only: none by default, an empty override allowed, each a registered game
  // not already trained on.
  assert.deepEqual(loadConfig('tictactoe-tiny').pretrain.extraGames, []);
  assert.deepEqual(loadConfig('tictactoe-tiny', ['pretrain.extraGames=connect_four, leduc_poker']).pretrain.extraGames, ['connect_four', 'leduc_poker']);
  assert.deepEqual(loadConfig('tictactoe-tiny', ['pretrain.extraGames=leduc_poker', 'pretrain.extraGames=']).pretrain.extraGames, []);
  assert.throws(() => loadConfig('tictactoe-tiny', ['pretrain.extraGames=chess9']), /pretrain\.extraGames: 'chess9'/);
  assert.throws(() => loadConfig('tictactoe-tiny', ['pretrain.extraGames=tic_tac_toe']), /'tic_tac_toe' is already in games/);
  assert.throws(() => loadConfig('tictactoe-tiny', ['games=']), /games: expected a non-empty list/);
  assert.throws(() => loadConfig('nope-tiny'), /unknown config preset 'nope-tiny'/);
});
