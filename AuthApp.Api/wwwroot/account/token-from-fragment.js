// An account mail's link carries its token in the URL fragment (#token=…), which browsers send to no server: no access
// log or Referer ever holds it. Copy it into the form, then take it out of the address bar and the history.
const token = new URLSearchParams(location.hash.slice(1)).get("token");
const field = document.getElementById("token");
if (token && field) {
    field.value = token;
    history.replaceState(null, "", location.pathname);
}
