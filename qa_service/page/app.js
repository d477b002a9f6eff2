// The chat page: asks POST api/ask, rates answers with POST api/feedback.
// Every text from the server is put in with textContent (never innerHTML), and every URL is relative,
// so the page loads nothing from another origin and works behind a proxy under any path.
"use strict";

(function () {
  var FALLBACK_TITLE = "政府信息公开年报问答";
  var NETWORK_ERROR = "网络好像有问题，请稍后再试";
  var SERVER_ERROR = "服务暂时不可用，请稍后再试";
  var EMPTY_QUESTION = "问题不能为空，请输入您想了解的内容";
  var TIMEOUT_MS = 15000;

  var chat = document.getElementById("chat");
  var form = document.getElementById("ask");
  var input = document.getElementById("question");
  var send = document.getElementById("send");
  var busy = false;

  // el("p", {className: "x"}, "text" | [children]) — a small builder that only ever sets text, never HTML.
  function el(tag, props, content) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "attrs") {
        Object.keys(props.attrs).forEach(function (name) { node.setAttribute(name, props.attrs[name]); });
      } else {
        node[key] = props[key];
      }
    });
    if (typeof content === "string") {
      node.textContent = content;
    } else if (content) {
      content.forEach(function (child) {
        if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      });
    }
    return node;
  }

  function addBubble(node) {
    chat.appendChild(node);
    node.scrollIntoView({block: "end", behavior: "smooth"});
    return node;
  }

  // A JSON request; resolves to {status, body}. Rejects only when the network failed or timed out.
  function request(path, payload) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(path, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(payload),
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      if (response.status === 204) return {status: 204, body: null};
      return response.json().catch(function () { return null; }).then(function (body) {
        return {status: response.status, body: body};
      });
    }).finally(function () {
      if (timer) clearTimeout(timer);
    });
  }

  // The message for a failed request: the server's own words for 4xx, a polite sentence otherwise.
  function failure(result) {
    var detail = result.body && typeof result.body.detail === "string" ? result.body.detail : "";
    if (result.status >= 400 && result.status < 500 && detail) return detail;
    return SERVER_ERROR;
  }

  function chips(questions, label) {
    return el("div", {className: "chips", attrs: {role: "group", "aria-label": label}},
      questions.map(function (q) {
        return el("button", {type: "button", className: "chip"}, String(q));
      }));
  }

  // The answer sentence with the figure in <strong>; the figure on its own line if the sentence lacks it.
  function answerText(answer) {
    var text = String(answer.answer || "");
    var figure = answer.figure && answer.figure.text ? String(answer.figure.text) : "";
    if (!figure) return [el("p", {className: "answer"}, text)];
    var at = text.indexOf(figure);
    if (at < 0) {
      return [el("p", {className: "figure"}, [el("strong", {}, figure)]), el("p", {className: "answer"}, text)];
    }
    return [el("p", {className: "answer"},
      [text.slice(0, at), el("strong", {className: "figure-inline"}, figure), text.slice(at + figure.length)])];
  }

  function notFoundText(answer) {
    var text = String(answer.answer || "");
    var suggestions = Array.isArray(answer.suggestions) ? answer.suggestions : [];
    if (!suggestions.length) return [el("p", {className: "answer"}, text)];
    // The sentence lists the suggestions too; show them once, as chips to tap.
    var cut = text.indexOf("您可以试着问");
    if (cut > 0) text = text.slice(0, cut);
    return [el("p", {className: "answer"}, text), el("p", {className: "hint"}, "您可以试着问："),
      chips(suggestions, "可以试着问的问题")];
  }

  function sourceLine(source) {
    if (!source || !source.title) return null;
    var parts = ["来源：", el("cite", {}, String(source.title))];
    if (source.section) parts.push(" · " + String(source.section));
    return el("p", {className: "source"}, parts);
  }

  function passageBlock(passage) {
    if (!passage) return null;
    return el("details", {className: "passage"},
      [el("summary", {}, "查看原文"), el("blockquote", {}, String(passage))]);
  }

  function feedbackBlock(logId) {
    if (typeof logId !== "number") return null;
    var yes = el("button", {type: "button", className: "rate"}, "有帮助");
    var no = el("button", {type: "button", className: "rate"}, "没帮助");
    var group = el("div", {className: "feedback", attrs: {role: "group", "aria-label": "这个回答有帮助吗？"}},
      [el("span", {className: "feedback-q", attrs: {"aria-hidden": "true"}}, "这个回答有帮助吗？"), yes, no]);

    function rate(helpful) {
      yes.disabled = no.disabled = true;
      request("api/feedback", {log_id: logId, helpful: helpful}).then(function (result) {
        if (result.status !== 204) throw new Error(failure(result));
        var thanks = el("p", {className: "thanks", tabIndex: -1}, "谢谢您的反馈");
        var hadFocus = group.contains(document.activeElement);
        group.replaceWith(thanks);
        if (hadFocus) thanks.focus();  // keep keyboard users where they were, not back at the page's top
      }).catch(function (error) {
        yes.disabled = no.disabled = false;
        var message = error instanceof TypeError || error.name === "AbortError" ? NETWORK_ERROR : error.message;
        var old = group.querySelector(".feedback-error");
        if (old) old.remove();
        group.appendChild(el("span", {className: "feedback-error"}, message));
      });
    }

    yes.addEventListener("click", function () { rate(true); });
    no.addEventListener("click", function () { rate(false); });
    return group;
  }

  function answerBubble(answer, logId) {
    var found = answer.found === true;
    var parts = found ? answerText(answer) : notFoundText(answer);
    if (found) {
      parts.push(sourceLine(answer.source));
      parts.push(passageBlock(answer.passage));
    }
    parts.push(feedbackBlock(logId));
    return el("article", {className: "bubble bot" + (found ? "" : " not-found")}, parts);
  }

  function messageBubble(text) {
    return el("div", {className: "bubble bot error"}, [el("p", {}, text)]);
  }

  function ask(question) {
    question = question.trim();
    if (!question) {
      addBubble(messageBubble(EMPTY_QUESTION));
      input.focus();
      return;
    }
    if (busy) return;
    busy = true;
    send.disabled = true;
    chat.setAttribute("aria-busy", "true");
    addBubble(el("div", {className: "bubble user"}, [el("p", {}, question)]));
    var waiting = addBubble(el("div", {className: "bubble bot waiting"}, [el("p", {}, "正在查找…")]));

    request("api/ask", {question: question, channel: "page"}).then(function (result) {
      if (result.status === 200 && result.body && typeof result.body === "object") {
        return answerBubble(result.body, result.body.log_id);
      }
      return messageBubble(failure(result));
    }, function () {
      return messageBubble(NETWORK_ERROR);
    }).then(function (bubble) {
      waiting.remove();
      addBubble(bubble);
    }).finally(function () {
      busy = false;
      send.disabled = false;
      chat.removeAttribute("aria-busy");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value;
    if (question.trim() && !busy) input.value = "";
    ask(question);
  });

  // One listener for every chip, the examples and those a not-found answer adds later.
  chat.addEventListener("click", function (event) {
    var chip = event.target.closest ? event.target.closest("button.chip") : null;
    if (chip) ask(chip.textContent);
  });

  // The title is the body's name, from its latest report.
  fetch("api/reports", {headers: {"Accept": "application/json"}}).then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (data) {
    var reports = data && Array.isArray(data.reports) ? data.reports : [];
    var latest = reports.filter(function (r) { return r && r.body; }).sort(function (a, b) {
      return (Number(b.year) || 0) - (Number(a.year) || 0);
    })[0];
    var title = latest ? String(latest.body) : FALLBACK_TITLE;
    document.getElementById("title").textContent = title;
    document.title = latest ? title + " · 政府信息公开年报问答" : FALLBACK_TITLE;
  }).catch(function () { /* keep the fallback title */ });
})();
