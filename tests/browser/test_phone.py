"""On a 360×740 touch screen: nothing overflows sideways, every control is big enough to tap,
and every field brings up the right keyboard and autofill. Screenshots go to
artifacts/screenshots/phone/."""
import pytest

from .pages import AUTOFILL
from .support import PHONE, TAGS, screenshot_path
from .test_accessibility import tour

MIN_TARGET = 44  # CSS pixels, in the smaller dimension

# Every element a finger can hit, with whether WCAG 2.5.8's inline exception applies: a link
# inside running text (a paragraph or list item with other words around it).
TARGETS = """() => {
    const visible = el => {
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return style.visibility !== "hidden" && style.display !== "none" && box.width > 0 && box.height > 0
            && box.right > 0 && box.bottom > 0 && !el.closest("[aria-hidden=true]");
    };
    const describe = (el, box) => ({
        what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : ""),
        text: (el.innerText || el.value || "").trim().slice(0, 40),
        width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10,
    });
    const targets = [];
    for (const el of document.querySelectorAll("a[href], button, input, select, textarea, label")) {
        if (!visible(el) || el.type === "hidden") continue;
        let box = el.getBoundingClientRect();
        if (el.matches("input[type=checkbox], input[type=radio]")) {
            // A box or a dot is tapped through its label, which must hold it or sit beside it.
            const label = el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`));
            if (!label) { targets.push({...describe(el, box), problem: "no label"}); continue; }
            continue;  // measured as the label below
        }
        if (el.tagName === "LABEL") {
            const control = el.control;
            if (!control || !control.matches("input[type=checkbox], input[type=radio]")) continue;
            const inputBox = control.getBoundingClientRect();
            const left = Math.min(box.left, inputBox.left), top = Math.min(box.top, inputBox.top);
            box = {width: Math.max(box.right, inputBox.right) - left, height: Math.max(box.bottom, inputBox.bottom) - top};
        }
        const inline = el.tagName === "A" && getComputedStyle(el).display === "inline"
            && el.parentElement.matches("p, li, dd, td")
            && el.parentElement.textContent.trim().length > el.textContent.trim().length + 3;
        targets.push({...describe(el, box), inline});
    }
    return targets;
}"""

FIELDS = """() => Array.from(document.querySelectorAll("form input, form select, form textarea"))
    .filter(el => !["hidden", "checkbox", "radio", "submit"].includes(el.type) && !el.closest(".honeypot"))
    .map(el => ({name: el.name, type: el.type, autocomplete: el.getAttribute("autocomplete"),
                 inputmode: el.getAttribute("inputmode")}))"""


@pytest.mark.parametrize("tag", TAGS)
def test_phone(visit, tag):
    page = visit(tag, **PHONE).new_page()
    problems = []
    for name, go in tour(page, tag):
        go()
        page.screenshot(path=screenshot_path("phone", f"{tag}-{name}.png"), full_page=True)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 360:
            problems.append(f"{name}: the page is {width}px wide")
        for target in page.evaluate(TARGETS):
            if target.get("problem"):
                problems.append(f"{name}: {target}")
            elif not target["inline"] and min(target["width"], target["height"]) < MIN_TARGET:
                problems.append(f"{name}: tap target too small: {target}")
        if name.startswith("sign-"):
            fields = page.evaluate(FIELDS)
            assert fields, name
            for field in fields:
                autocomplete, inputmode = AUTOFILL.get(field["name"], ("?", "?"))
                if field["autocomplete"] != autocomplete or (inputmode and field["inputmode"] != inputmode):
                    problems.append(f"{name}: {field} should have autocomplete={autocomplete} "
                                    f"inputmode={inputmode}")
                if field["name"] == "email" and field["type"] != "email":
                    problems.append(f"{name}: the email field is type={field['type']}")
    # The skip link appears on the first Tab: it must be big enough too.
    page.goto(f"/{tag}/")
    page.keyboard.press("Tab")
    box = page.locator(".skip-link").bounding_box()
    if min(box["width"], box["height"]) < MIN_TARGET:
        problems.append(f"skip link when focused: {box}")
    assert problems == [], "\n".join(problems)
