"""Scoring entity and quote extraction against hand annotations.

The gold format is `../shared/gold/seeds.json`; its "about" field is the
scoring rule implemented here:

- Entities are document-level. Predicted entities are grouped by canonical
  name; a group matches a gold entity when its canonical name or any of its
  mention texts equals the gold name or an alias (case-insensitive,
  typographic apostrophes folded to '). PERSON is our PERSON; PLACE is our
  GPE, LOC and FAC. Precision = matching groups / predicted groups; recall =
  matched gold entities / gold entities (micro-averaged over articles).
- A predicted quote matches a gold quote when their texts overlap by at least
  80% of the shorter (one-to-one). Its speaker is right when the words of the
  speaker as written, or of its canonical name, equal, contain or are
  contained in the words of an accepted speaker string.

Articles are keyed by "file" (basename of a text file) or "id" (the record
id of a JSON Lines corpus such as AllSides).
"""

from __future__ import annotations

import hashlib
import json
import re
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from store.records import PLACE_LABELS, EnrichedArticle

from .enrich.canonical import match_key

OVERLAP = 0.8
_WORDS = re.compile(r"[\w']+")


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, Any]:
    precision = tp_pred / n_pred if n_pred else 1.0
    recall = tp_gold / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted": n_pred,
        "gold": n_gold,
        "matched_predicted": tp_pred,
        "matched_gold": tp_gold,
    }


def _gold_names(entity: dict) -> set[str]:
    return {match_key(entity["name"])} | {match_key(a) for a in entity.get("aliases", [])}


def _predicted_groups(article: EnrichedArticle, labels: tuple[str, ...]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for e in article.entities:
        if e.label in labels:
            groups.setdefault(match_key(e.canonical), set()).update({match_key(e.canonical), match_key(e.text)})
    return groups


def _entity_counts(gold_entities: list[dict], groups: dict[str, set[str]]) -> tuple[int, int, int, int, list, list]:
    gold_sets = [_gold_names(g) for g in gold_entities]
    pred_ok = [name for name, keys in groups.items() if any(keys & g for g in gold_sets)]
    gold_ok = [g for g in gold_sets if any(keys & g for keys in groups.values())]
    spurious = sorted(name for name in groups if name not in pred_ok)
    missed = sorted(g["name"] for g, s in zip(gold_entities, gold_sets, strict=True) if s not in gold_ok)
    return len(pred_ok), len(groups), len(gold_ok), len(gold_sets), spurious, missed


def _norm_text(text: str) -> str:
    return " ".join(match_key(text).split())


def overlaps(a: str, b: str) -> bool:
    """Do two quote texts overlap by at least 80% of the shorter?"""
    a, b = _norm_text(a), _norm_text(b)
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    # Word-level: scattered common letters must not make two quotes overlap.
    wa, wb = _WORDS.findall(a), _WORDS.findall(b)
    shorter = min(len(wa), len(wb))
    common = sum(block.size for block in SequenceMatcher(None, wa, wb, autojunk=False).get_matching_blocks())
    return shorter > 0 and common >= OVERLAP * shorter


def _words(text: str | None) -> list[str]:
    return _WORDS.findall(match_key(text or ""))


def _contains(outer: list[str], inner: list[str]) -> bool:
    n = len(inner)
    return n > 0 and any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


def speaker_matches(predicted: list[str | None], accepted: list[str]) -> bool:
    for candidate in predicted:
        words = _words(candidate)
        if not words:
            continue
        for gold in accepted:
            gold_words = _words(gold)
            if words == gold_words or _contains(words, gold_words) or _contains(gold_words, words):
                return True
    return False


def _score_quotes(gold_quotes: list[dict], article: EnrichedArticle) -> dict[str, Any]:
    used: set[int] = set()
    matched = speaker_ok = 0
    wrong_speakers = []
    for gold in gold_quotes:
        for k, quote in enumerate(article.quotes):
            if k in used or not overlaps(gold["text"], quote.text):
                continue
            used.add(k)
            matched += 1
            if speaker_matches([quote.speaker, quote.speaker_canonical], gold.get("speaker", [])):
                speaker_ok += 1
            else:
                wrong_speakers.append(
                    {"quote": quote.text[:60], "speaker": quote.speaker, "accepted": gold.get("speaker", [])}
                )
            break
    missed = [g["text"][:60] for g in gold_quotes if not any(overlaps(g["text"], article.quotes[k].text) for k in used)]
    spurious = [q.text[:60] for k, q in enumerate(article.quotes) if k not in used]
    return {
        "matched": matched,
        "predicted": len(article.quotes),
        "gold": len(gold_quotes),
        "speaker_ok": speaker_ok,
        "missed": missed,
        "spurious": spurious,
        "wrong_speakers": wrong_speakers,
    }


def article_key(entry: dict) -> str:
    return entry.get("file") or entry["id"]


def score(gold: dict, predictions: dict[str, EnrichedArticle]) -> dict:
    """Precision/recall/F1 for PERSON, PLACE and quotes, speaker accuracy,
    and per-article errors, for the gold articles found in `predictions`."""
    totals = {"PERSON": [0, 0, 0, 0], "PLACE": [0, 0, 0, 0]}
    quote_tot = {"matched": 0, "predicted": 0, "gold": 0, "speaker_ok": 0}
    details: dict[str, Any] = {}
    missing = []
    for entry in gold["articles"]:
        key = article_key(entry)
        article = predictions.get(key)
        if article is None:
            missing.append(key)
            continue
        detail: dict[str, Any] = {}
        for name, labels in (("PERSON", ("PERSON",)), ("PLACE", PLACE_LABELS)):
            tp_p, n_p, tp_g, n_g, spurious, missed = _entity_counts(
                entry.get("entities", {}).get(name, []), _predicted_groups(article, labels)
            )
            for i, value in enumerate((tp_p, n_p, tp_g, n_g)):
                totals[name][i] += value
            detail[name] = {"spurious": spurious, "missed": missed}
        q = _score_quotes(entry.get("quotes", []), article)
        for field in quote_tot:
            quote_tot[field] += q[field]
        detail["quotes"] = {k: q[k] for k in ("missed", "spurious", "wrong_speakers")}
        details[key] = detail
    result: dict[str, Any] = {name: _prf(*values) for name, values in totals.items()}
    result["quotes"] = _prf(quote_tot["matched"], quote_tot["predicted"], quote_tot["matched"], quote_tot["gold"])
    result["speaker_accuracy"] = (
        round(quote_tot["speaker_ok"] / quote_tot["matched"], 4) if quote_tot["matched"] else 0.0
    )
    result["articles"] = len(gold["articles"]) - len(missing)
    result["missing_articles"] = missing
    result["errors"] = details
    return result


# --- reading the articles -----------------------------------------------------


def _wanted_key(article, keys: set[str]) -> str | None:
    if article.id in keys:
        return article.id
    source = (article.source or "").split("#")[0]
    source = re.sub(r":\d+$", "", source)
    name = Path(source).name
    return name if name in keys else None


def _read_articles(paths: list[str], keys: set[str]) -> dict[str, Any]:
    from .sources.reader import ReadFailure, read_inputs

    found: dict[str, Any] = {}
    for item in read_inputs(paths):
        if isinstance(item, ReadFailure):
            continue
        key = _wanted_key(item, keys)
        if key is not None and key not in found:
            found[key] = item
            if len(found) == len(keys):
                break  # a 36,000-line corpus need not be read to the end
    return found


class GoldMismatch(ValueError):
    """Gold offsets that do not point at the words they were made for."""


def resolve_offsets(gold: dict, articles: dict[str, Any]) -> None:
    """Gold files for third-party corpora store no article text: a quote or
    not_quote is {"start", "end", "sha1"} into the article's text as read.
    Fill in "text" from the corpus, refusing any span whose digest differs
    (the corpus changed, or the offsets are wrong)."""
    for entry in gold["articles"]:
        article = articles.get(article_key(entry))
        if article is None:
            continue
        entry["quotes"] = [_resolve(q, article.text, entry) for q in entry.get("quotes", [])]
        entry["not_quotes"] = [
            n if isinstance(n, str) else _resolve(n, article.text, entry)["text"] for n in entry.get("not_quotes", [])
        ]


def _resolve(item: dict, text: str, entry: dict) -> dict:
    if "text" in item:
        return item
    words = text[item["start"] : item["end"]]
    if hashlib.sha1(words.encode("utf-8")).hexdigest()[: len(item["sha1"])] != item["sha1"]:
        raise GoldMismatch(
            f"gold {article_key(entry)}: offsets {item['start']}-{item['end']} do not match the corpus text"
        )
    return {**item, "text": words}


def predict(paths: list[str], keys: set[str], gold: dict | None = None) -> dict[str, EnrichedArticle]:
    """Enrich the gold articles found in `paths` exactly as indexing does
    (resolving `gold`'s offsets against them first, when given)."""
    from .pipeline import enrich_batch

    articles = _read_articles(paths, keys)
    if gold is not None:
        resolve_offsets(gold, articles)
    ordered = list(articles.items())
    enriched = enrich_batch([article for _, article in ordered])
    return {key: record for (key, _), record in zip(ordered, enriched, strict=True)}


def main_eval(gold_path: str | Path, paths: list[str], data_dir: str | Path | None = None) -> dict:
    """Score the articles in `paths` against `gold_path`; a JSON-able dict.
    Nothing is written: the articles go through the indexing enrichment but
    not into a store (`data_dir` is accepted for the CLI's sake)."""
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    keys = {article_key(entry) for entry in gold["articles"]}
    predictions = predict([str(p) for p in paths], keys, gold)
    result = score(gold, predictions)
    from .pipeline import get_extractor

    result["pipeline"] = get_extractor().pipeline_name
    return result
