import { clip, ENV_SECRET, SENSITIVE_PATH, sentences, type IntentFinding } from './intent.ts';
import { escapeRegExp } from '../text/regexp.ts';

// Attacks in other languages, read by structure where the language does not
// matter (a secret file named beside one of the tool's own parameters, an
// address beside a sending verb) and, for the few concepts an attack cannot do
// without, by small per-language lexicons of their parts (a negation, a verb of
// telling, the user as object; a verb of ignoring, instructions, earlier), matched
// as parts of one sentence in any order rather than as phrases.

interface Lexicon {
  lang: string;
  neg: RegExp;
  tell: RegExp;
  user: RegExp;
  ignore: RegExp;
  instructions: RegExp;
  earlier: RegExp;
  send: RegExp;
  loot: RegExp;
}

// \b is ASCII-only in JavaScript: words in other scripts are matched without it.
const LEXICONS: Lexicon[] = [
  {
    lang: 'Spanish',
    neg: /\b(?:no|nunca|jamás|sin)\b/i,
    tell: /\b(?:dig\w*|decir\w*|mencion\w*|inform\w*|avis\w*|cuent\w*|contar\w*|revel\w*|notifi\w*|advert\w*)/i,
    user: /\b(?:usuari[oa]s?|cliente|persona)\b/i,
    ignore: /\b(?:ignor\w*|olvid\w*|descart\w*|omit\w*|desobedec\w*)/i,
    instructions: /\b(?:instrucci\w*|indicaciones|órdenes|reglas|directrices)/i,
    earlier: /\b(?:anterior\w*|previ\w*|original\w*|hasta ahora|de antes)/i,
    send: /\b(?:envi\w*|envía\w*|mand\w*|remit\w*|transmit\w*|sub\w*|reenv\w*)/i,
    loot: /\b(?:historial|conversación|contraseñ\w*|clave\w*|credencial\w*|token\w*|secreto\w*|mensajes|contactos|chat)\b/i,
  },
  {
    lang: 'Portuguese',
    neg: /\b(?:não|nunca|jamais|sem)\b/i,
    tell: /\b(?:dig\w*|dizer\w*|mencion\w*|inform\w*|avis\w*|cont\w*|revel\w*|notific\w*|alert\w*)/i,
    user: /\b(?:usuári[oa]s?|utilizador\w*|cliente|pessoa)\b|-lo\b|-la\b/i,
    ignore: /\b(?:ignor\w*|esque\w*|descart\w*|desconsider\w*)/i,
    instructions: /\b(?:instruç\w*|instruc\w*|orientaç\w*|ordens|regras|diretrizes)/i,
    earlier: /\b(?:anterior\w*|prévi\w*|origina\w*|até agora)/i,
    send: /\b(?:envi\w*|mand\w*|transmit\w*|encaminh\w*|carreg\w*)/i,
    loot: /\b(?:histórico|conversa\w*|senha\w*|chave\w*|credencia\w*|token\w*|segredo\w*|mensagens|contatos)\b/i,
  },
  {
    lang: 'French',
    neg: /\b(?:ne|n'|jamais|sans|pas)\b/i,
    tell: /\b(?:dis|dites|dire|mentionn\w*|inform\w*|signal\w*|révél\w*|prévenir|préviens|prévenez|avertir|avertis\w*|parl\w*)/i,
    user: /\b(?:utilisat(?:eur|rice)s?|client|personne)\b|\bl'utilisat/i,
    ignore: /\b(?:ignor\w*|oubli\w*|néglig\w*|écart\w*|fais abstraction)/i,
    instructions: /\b(?:instructions?|consignes?|directives?|règles|ordres)\b/i,
    earlier: /\b(?:précédent\w*|antérieur\w*|initia\w*|origina\w*|jusqu'ici)/i,
    send: /\b(?:envo\w*|transmet\w*|transf[eé]r\w*|télévers\w*|expédi\w*)/i,
    loot: /\b(?:historique|conversation|mots? de passe|clés?|identifiants?|jetons?|secrets?|messages|contacts)\b/i,
  },
  {
    lang: 'German',
    neg: /\b(?:nicht|niemals|nie|kein\w*|ohne)\b/i,
    tell: /\b(?:erwähn\w*|sag\w*|mitteil\w*|teile?\s+\w+\s+mit|informier\w*|verrat\w*|hinweis\w*|benachrichtig\w*|melde\w*|erzähl\w*)/i,
    user: /\b(?:benutzer\w*|nutzer\w*|anwender\w*|kunde\w*|person)\b/i,
    ignore: /\b(?:ignorier\w*|vergiss|vergessen|missacht\w*|übergeh\w*|verwirf)/i,
    instructions: /\b(?:anweisung\w*|instruktion\w*|vorgaben|regeln|befehle|richtlinien)\b/i,
    earlier: /\b(?:vorherig\w*|bisherig\w*|früher\w*|vorige\w*|ursprünglich\w*|alle)\b/i,
    send: /\b(?:send\w*|schick\w*|übermittl?\w*|übertrag\w*|lade\w* hoch|hochlad\w*|weiterleit\w*)/i,
    loot: /\b(?:verlauf|gesprächs?\w*|chat\w*|passw\w*|kennw\w*|schlüssel\w*|zugangsdaten|token\w*|geheimnis\w*|nachrichten|kontakte)\b/i,
  },
  {
    lang: 'Italian',
    neg: /\b(?:non|mai|senza)\b/i,
    tell: /\b(?:dir\w*|menzion\w*|inform\w*|avvis\w*|rivel\w*|segnal\w*|comunic\w*|raccont\w*)/i,
    user: /\b(?:utent[ei]|cliente|persona)\b|\bl'utente/i,
    ignore: /\b(?:ignor\w*|dimentic\w*|trascur\w*|scart\w*)/i,
    instructions: /\b(?:istruzion\w*|indicazion\w*|regole|direttive|ordini)\b/i,
    earlier: /\b(?:precedent\w*|anterior\w*|origina\w*|finora)\b/i,
    send: /\b(?:invi\w*|mand\w*|trasmett\w*|inoltr\w*|caric\w*)/i,
    loot: /\b(?:cronologia|conversazion\w*|password|chiav\w*|credenzial\w*|token|segret\w*|messaggi|contatti)\b/i,
  },
  {
    lang: 'Dutch',
    neg: /\b(?:niet|nooit|geen|zonder)\b/i,
    tell: /\b(?:vertel\w*|vermeld\w*|meld\w*|informeer\w*|informeren|zeg\w*|verklap\w*)/i,
    user: /\b(?:gebruiker\w*|klant|persoon)\b/i,
    ignore: /\b(?:negeer\w*|vergeet|vergeten)/i,
    instructions: /\b(?:instructies|aanwijzingen|regels|opdrachten)\b/i,
    earlier: /\b(?:vorige|eerdere|oorspronkelijke|alle)\b/i,
    send: /\b(?:stuur\w*|verstuur\w*|verzend\w*|upload\w*|doorstur\w*)/i,
    loot: /\b(?:geschiedenis|gesprek\w*|wachtwoord\w*|sleutel\w*|token\w*|geheim\w*|berichten|contacten)\b/i,
  },
  {
    lang: 'Russian',
    neg: /(?:^|[\s,.;:])(?:не|никогда|без)(?=[\s,.;:]|$)/i,
    tell: /(?:говори|сообща|сообщи|упомина|упомяни|рассказ|информир|уведом|раскрыва|скажи)/i,
    user: /(?:пользовател|клиент|человек)/i,
    ignore: /(?:игнорир|забудь|забыть|не обращай внимания|пренебреги|отбрось)/i,
    instructions: /(?:инструкци|указани|правил|директив|команд)/i,
    earlier: /(?:предыдущ|прежн|ранее|предшеству|исходн|все )/i,
    send: /(?:отправ|перешли|пересл|передай|переда|загрузи|выгрузи)/i,
    loot: /(?:истори|разговор|переписк|парол|ключ|токен|секрет|сообщени|контакт)/i,
  },
  {
    lang: 'Chinese',
    neg: /(?:不要|别|勿|切勿|不得|不可|不能|无需|不必|请勿)/,
    tell: /(?:告诉|告知|提及|透露|通知|说明|提示|提起|让.{0,4}知道)/,
    user: /(?:用户|使用者|用戶|客户)/,
    ignore: /(?:忽略|忽视|无视|忘记|不理会|抛开)/,
    instructions: /(?:指令|指示|说明|规则|提示词|命令)/,
    earlier: /(?:之前|以前|先前|上述|此前|原来|原有|所有)/,
    send: /(?:发送|发给|上传|传给|转发|提交到|发到|传到)/,
    loot: /(?:历史|对话|会话|聊天|密码|密钥|令牌|凭证|凭据|秘密|消息|联系人)/,
  },
  {
    lang: 'Japanese',
    neg: /(?:ない|な(?:い)?で|禁止|せず|しないで|するな)/,
    tell: /(?:伝え|言わ|知らせ|教え|報告し|通知し)/,
    user: /(?:ユーザー|利用者|使用者|お客様)/,
    ignore: /(?:無視|忘れ)/,
    instructions: /(?:指示|命令|ルール|指令)/,
    earlier: /(?:以前|前の|これまで|すべて|全て|先の)/,
    send: /(?:送信|送っ|送る|アップロード|転送)/,
    loot: /(?:履歴|会話|パスワード|鍵|キー|トークン|認証情報|秘密|メッセージ|連絡先)/,
  },
  {
    lang: 'Korean',
    neg: /(?:마세요|마십시오|말고|말 것|않|없이|금지)/,
    tell: /(?:알리|말하|전하|언급|보고)/,
    user: /(?:사용자|유저|고객)/,
    ignore: /(?:무시|잊)/,
    instructions: /(?:지시|명령|규칙|지침)/,
    earlier: /(?:이전|기존|앞의|모든)/,
    send: /(?:보내|전송|업로드|전달)/,
    loot: /(?:기록|대화|비밀번호|키|토큰|자격|비밀|메시지|연락처)/,
  },
];

const ADDRESS = /https?:\/\/[^\s'"`)<>]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/i;
/** Letters outside English, or function words English does not have. */
export const NOT_ENGLISH =
  /[\u00c0-\u024f\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|\b(?:los|las|les|der|die|das|und|il|gli|het|een|para|pour|avec|mit|sans|ohne|senza|sem|sin|nicht|pas|não|ne|nunca|jamais|niemals|oder|ou|et|und|ein|eine|une|uno|una|du|des|del|della|dem|den|le|la|el|lo|di|che|que|tutte|tutti|toutes|tous|todas|todos|alle|zu|ist|sind|est|sont|sono)\b/i;

/** The secret file's own subject in the tool's purpose makes naming it ordinary (an SSH tool and ~/.ssh). */
const PATH_TOPIC =
  /\b(?:ssh|key|keys|aws|cloud|gcloud|kube\w*|docker|git|npm|pypi|netrc|env|dotenv|dotfiles?|config\w*|credential\w*|secret\w*|auth\w*|shell|bash|zsh|history|vault|gpg|gnupg|certificates?|profile)\b/i;

/** A secret as what is withheld: "do not tell the user the bot token" protects it. */
const SECRET_WORD =
  /\b(?:token\w*|contraseñ\w*|senha\w*|mot de passe|passwor[dt]\w*|wachtwoord\w*|clave\w* (?:de )?api|chiave\w*|credencia\w*|credenzial\w*|zugangsdaten)\b|токен|парол|ключ|密码|令牌|密钥|パスワード|トークン|비밀번호|토큰/i;
/** "…that you sent it", "dass", "что": what is withheld is an event, the concealment an attack wants. */
const THAT_CLAUSE =
  /\b(?:que|qu'|dass|che|dat|that|what|lo que|o que|ce que|was)\b|(?:^|\s)(?:что|чтобы)(?=\s)|(?:した|したこと|ことを)|(?:했다|것을)|(?:已经|曾)/i;

/** "Without" opens a phrase of its own ("do not mention @all without asking the user"): the user there is not the one told. */
const WITHOUT = /\b(?:sem|sin|sans|ohne|senza|zonder|without)\b|(?:^|\s)без(?=\s)/i;
/** Negation, a verb of telling and the user in one clause: not across a "without" phrase, not about a secret. */
function conceals(lx: Lexicon, sentence: string): boolean {
  const tell = lx.tell.exec(sentence);
  if (!tell) return false;
  if (SECRET_WORD.test(sentence) && !THAT_CLAUSE.test(sentence)) return false;
  // Any mention of the user will do ("avisá-lo" carries it as a clitic) as long as no "without" phrase sits between.
  for (const user of sentence.matchAll(new RegExp(lx.user.source, `${lx.user.flags}g`))) {
    const [from, to] = tell.index < user.index ? [tell.index + tell[0].length, user.index] : [user.index + user[0].length, tell.index];
    if (!WITHOUT.test(sentence.slice(from, to))) return true;
  }
  return false;
}

/** Handing on, in the languages above: sold, shared, passed to; and those it goes to: partners, advertisers, third parties. */
const HANDED_ON =
  /(?:revend|vend[ie]|verkauf|weitergegeben|weitergeleitet|compartid|partag|condivis|cedid|cedut|transmis|übermittelt|envoyé|enviad|inviat)\w*/i;
const THIRD_PARTY =
  /(?:partenaires?|partner\w*|socios|terceros|terceiros|tiers|dritte\w*|terzi|annonceurs|anunciantes|inserzionisti|werbe\w*|publicit\w*|pubblicit\w*)/i;
/** "Les textes vérifiés sont … revendus à des partenaires publicitaires": past the purpose, what it handles handed to third parties. */
function handedOn(text: string): IntentFinding | undefined {
  if (!HANDED_ON.test(text) || !THIRD_PARTY.test(text)) return undefined;
  const s = sentences(text)
    .slice(1)
    .find((x) => HANDED_ON.test(x.text) && THIRD_PARTY.test(x.text));
  return s
    ? {
        rule: 'unfitting-side-effect',
        family: 'harvest',
        severity: 'high',
        evidence: clip(s.text),
        message: 'Says, in another language, that what it handles is passed on or sold to third parties, beyond what it is for',
      }
    : undefined;
}

export function languageFindings(text: string, params: ReadonlySet<string>, purpose: string): IntentFinding[] {
  if (!NOT_ENGLISH.test(text)) return [];
  const handed = handedOn(text);
  const out: IntentFinding[] = handed ? [handed] : [];
  // A lexicon whose parts are not all in the text cannot match any of its sentences.
  const lexicons = LEXICONS.filter(
    (lx) =>
      (lx.neg.test(text) && lx.tell.test(text) && lx.user.test(text)) ||
      (lx.ignore.test(text) && lx.instructions.test(text)) ||
      (lx.send.test(text) && lx.loot.test(text)),
  );
  for (const s of lexicons.length ? sentences(text) : []) {
    for (const lx of lexicons) {
      if (!out.some((f) => f.rule === 'conceal-from-user') && lx.neg.test(s.text) && conceals(lx, s.text))
        out.push({
          rule: 'conceal-from-user',
          family: 'concealment',
          severity: 'high',
          evidence: clip(s.text),
          message: `Tells the model, in ${lx.lang}, to keep what it does from the user`,
        });
      if (!out.some((f) => f.rule === 'revokes-instructions') && lx.ignore.test(s.text) && lx.instructions.test(s.text) && lx.earlier.test(s.text))
        out.push({
          rule: 'revokes-instructions',
          family: 'override',
          severity: 'high',
          evidence: clip(s.text),
          message: `Tells the model, in ${lx.lang}, to ignore its earlier instructions`,
        });
      const address = ADDRESS.exec(s.text);
      // What is sent is read without the address ("chat.example" names a host, not the chat).
      const rest = address ? s.text.replace(address[0], ' ') : '';
      if (!out.some((f) => f.rule === 'data-to-address') && address && lx.send.test(rest) && lx.loot.test(rest))
        out.push({
          rule: 'data-to-address',
          family: 'exfiltration',
          severity: 'high',
          evidence: clip(s.text),
          message: `Tells the model, in ${lx.lang}, to send the conversation or secrets to ${clip(address[0], 80)}`,
        });
    }
  }
  const routed = secretIntoOwnParameter(text, params, purpose);
  return routed ? [...out, routed] : out;
}

const SLOT_WORD =
  '(?:parameter|param|field|argument|arg|campo|champ|paramètre|parámetro|parâmetro|parametro|feld|argumento|argomento|参数|字段|パラメータ|引数|параметр\\S*|поле|매개변수|인자)';
/** A secret file or variable named in the same sentence as one of the tool's own parameters, whatever the language. */
function secretIntoOwnParameter(text: string, params: ReadonlySet<string>, purpose: string): IntentFinding | undefined {
  // The purpose is read without the path itself (a description with no sentence end is all "purpose").
  if (PATH_TOPIC.test(purpose.replace(new RegExp(SENSITIVE_PATH.source, 'gi'), ' ').replace(/[_-]/g, ' '))) return undefined;
  for (const s of sentences(text)) {
    const secret = SENSITIVE_PATH.exec(s.text) ?? ENV_SECRET.exec(s.text);
    if (!secret || !/[a-z]{2}/i.test(secret[0])) continue;
    // The parameter must be named as one (quoted, or beside a word for "parameter" in some language), not just a word that happens to be one.
    const param = [...params].find((p) => {
      const name = escapeRegExp(p);
      return (
        p.length >= 3 && new RegExp(`['"\`«„“]${name}['"\`»“”]|${SLOT_WORD}\\s*['"\`«„“]?${name}\\b|\\b${name}['"\`»“”]?\\s*${SLOT_WORD}`, 'i').test(s.text)
      );
    });
    if (!param) continue;
    return {
      rule: 'secret-routed-out',
      family: 'exfiltration',
      severity: 'high',
      evidence: clip(s.text),
      message: `Puts ${clip(secret[0], 60)} next to its own "${clip(param, 40)}" parameter: a secret file routed into the call, on a tool that has nothing to do with it`,
    };
  }
  return undefined;
}
