import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autostartCommand, autostartDir, desktopEntry } from './autostart.ts';

test('the entry goes under XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
  assert.equal(autostartDir({ XDG_CONFIG_HOME: '/home/u/cfg' }, '/home/u'), '/home/u/cfg/autostart');
  assert.equal(autostartDir({ XDG_CONFIG_HOME: 'relative' }, '/home/u'), '/home/u/.config/autostart');
  assert.equal(autostartDir({}, '/home/u'), '/home/u/.config/autostart');
});

test('an AppImage starts from its file, not the mount it happens to run from', () => {
  assert.equal(autostartCommand('/tmp/.mount_GateXYZ/gatehouse', { APPIMAGE: '/home/u/Apps/Gatehouse.AppImage' }), '/home/u/Apps/Gatehouse.AppImage');
  assert.equal(autostartCommand('/opt/Gatehouse/gatehouse', {}), '/opt/Gatehouse/gatehouse');
});

test('Exec quotes spaces, escapes quote, dollar, backtick and backslash, and doubles percent signs', () => {
  const entry = desktopEntry('/home/u/My Apps/Gate"house $x `y` 100%\\z', ['--hidden']);
  const exec = /^Exec=(.*)$/m.exec(entry)![1]!;
  assert.equal(exec, '"/home/u/My Apps/Gate\\\\"house \\\\$x \\\\`y\\\\` 100%%\\\\\\\\z" --hidden');
  assert.match(entry, /^\[Desktop Entry\]\nType=Application\n/);
});

test('a line break in the command cannot add keys to the entry', () => {
  assert.throws(() => desktopEntry('/opt/x\nExec=/bin/evil', []), /line breaks/);
});
