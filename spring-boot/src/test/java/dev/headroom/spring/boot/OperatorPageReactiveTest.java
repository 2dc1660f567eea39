package dev.headroom.spring.boot;

import org.springframework.boot.test.context.SpringBootTest;

/** The operator page mounted as a router function in a WebFlux application. */
@SpringBootTest(
    classes = ReactiveTestApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.main.web-application-type=reactive",
      "headroom.redis.enabled=false",
      "headroom.queue.workers=false",
      "headroom.queue.queues.mail.concurrency=1",
      "headroom.queue.queues.reports.concurrency=1",
      "headroom.cache.caches.users.value-type=java.lang.String",
      "headroom.queue.operator-page.enabled=true",
      "headroom.queue.operator-page.actions-enabled=true"
    })
class OperatorPageReactiveTest extends OperatorPageWebTestSupport {}
