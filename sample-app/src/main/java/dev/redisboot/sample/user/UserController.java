package dev.redisboot.sample.user;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/users} endpoints.
 *
 * @author redisboot
 */
@RestController
@RequestMapping("/api/users")
class UserController {

	private final UserService service;

	UserController(UserService service) {
		this.service = service;
	}

	@GetMapping("/{id}")
	UserView user(@PathVariable long id) {
		return this.service.find(id);
	}

}
