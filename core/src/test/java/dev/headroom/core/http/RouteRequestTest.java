package dev.headroom.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteRequestTest {

  @Test
  void queryFormHeadersAndCookiesAreParsed() {
    RouteRequest request =
        RouteRequest.builder("post", "/action")
            .contextPath("/queues/")
            .rawQuery("name=a%20b&name=c&empty&bad=%zz")
            .header("Cookie", "x=1; headroom_csrf=abc ; y=2")
            .header("X-Trace", "one")
            .header("x-trace", "two")
            .form("queue=mail%3Cb%3E&action=pause&job=")
            .principal("ada")
            .secure(true)
            .build();

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.contextPath()).isEqualTo("/queues");
    assertThat(request.path()).isEqualTo("/action");
    assertThat(request.queryParam("name")).contains("a b");
    assertThat(request.queryParams().get("name")).containsExactly("a b", "c");
    assertThat(request.queryParam("empty")).contains("");
    assertThat(request.queryParam("bad")).isEmpty();
    assertThat(request.cookie("headroom_csrf")).contains("abc");
    assertThat(request.cookie("missing")).isEmpty();
    assertThat(request.headers("X-TRACE")).containsExactly("one", "two");
    assertThat(request.header("content-type")).contains("application/x-www-form-urlencoded");
    assertThat(request.formParam("queue")).contains("mail<b>");
    assertThat(request.formParam("job")).contains("");
    assertThat(request.principal()).contains("ada");
    assertThat(request.secure()).isTrue();
  }

  @Test
  void aBodyThatIsNotAFormHasNoFormFields() {
    RouteRequest request =
        RouteRequest.builder("POST", "")
            .header("Content-Type", "application/json")
            .body("a=1".getBytes(StandardCharsets.UTF_8))
            .build();
    assertThat(request.form()).isEmpty();
    assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo("a=1");
    assertThat(request.principal()).isEmpty();
  }

  @Test
  void responsesKeepRepeatedHeadersInOrder() {
    RouteResponse response =
        RouteResponse.html(200, "<p>é</p>")
            .withHeader("Set-Cookie", "a=1")
            .withHeader("Set-Cookie", "b=2");
    assertThat(response.headers().get("Set-Cookie")).isEqualTo(List.of("a=1", "b=2"));
    assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.bodyText()).isEqualTo("<p>é</p>");
    assertThat(RouteResponse.seeOther("/x").status()).isEqualTo(303);
    assertThat(RouteResponse.seeOther("/x").header("Location")).isEqualTo("/x");
    assertThatThrownBy(() -> RouteResponse.text(99, "")).hasMessageContaining("100..599");
  }
}
