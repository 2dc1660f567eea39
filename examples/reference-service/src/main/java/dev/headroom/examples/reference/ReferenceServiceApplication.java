package dev.headroom.examples.reference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Starts the service: {@code java -jar reference-service-exec.jar}. */
@SpringBootApplication
@EnableConfigurationProperties(Features.class)
public class ReferenceServiceApplication {

  /** Runs the service until it is stopped. */
  public static void main(String[] args) {
    SpringApplication.run(ReferenceServiceApplication.class, args);
  }
}
