/* Venue page: place, change or cancel the week's order through the API relay. */
(function () {
  "use strict";
  var S = JSON.parse(document.getElementById("strings").textContent);
  var form = document.getElementById("order-form");
  var message = document.getElementById("order-message");
  var cancel = document.getElementById("cancel-order");
  var HEADERS = { "Content-Type": "application/json", "X-Foodhub-Web": "1" };

  function say(textValue, isError) {
    message.textContent = textValue;
    message.classList.toggle("error", Boolean(isError));
  }

  function explain(data, status) {
    var key = "err_" + (data && data.code);
    if (S[key]) { return S[key]; }
    return S.err_generic + ((data && data.message) || status);
  }

  function lines() {
    var out = [];
    form.querySelectorAll("input[data-product]").forEach(function (input) {
      var q = parseInt(input.value, 10);
      if (q > 0) { out.push({ product_id: input.dataset.product, quantity: q }); }
    });
    return out;
  }

  function send(method, url, body) {
    var headers = Object.assign({}, HEADERS);
    if (method === "POST") {
      headers["Idempotency-Key"] = (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
        : String(Date.now()) + Math.random();
    }
    return fetch(url, {
      method: method, credentials: "same-origin", headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    });
  }

  function remember(order) {
    form.dataset.orderId = order.status === "active" ? String(order.id) : "";
    form.dataset.version = order.status === "active" ? String(order.version) : "";
    cancel.disabled = order.status !== "active";
    document.getElementById("order-state").textContent = order.status === "active"
      ? S.current_order.replace("{version}", String(order.version)) : S.no_order;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var wanted = lines();
    var id = form.dataset.orderId;
    if (!wanted.length) { say(S.order_empty, true); return; }
    var request = id
      ? send("PATCH", "/web/api/orders/" + id, { lines: wanted, version: parseInt(form.dataset.version, 10) })
      : send("POST", "/web/api/orders", { week: form.dataset.week, lines: wanted });
    request.then(function (reply) {
      if (reply.ok) { remember(reply.data); say(S.order_saved, false); }
      else { say(explain(reply.data, reply.status), true); }
    }).catch(function (e) { say(S.err_generic + e.message, true); });
  });

  cancel.addEventListener("click", function () {
    var id = form.dataset.orderId;
    if (!id) { return; }
    send("DELETE", "/web/api/orders/" + id).then(function (reply) {
      if (reply.ok) {
        remember(reply.data);
        form.querySelectorAll("input[data-product]").forEach(function (i) { i.value = 0; });
        say(S.order_cancelled, false);
      } else { say(explain(reply.data, reply.status), true); }
    }).catch(function (e) { say(S.err_generic + e.message, true); });
  });
})();
